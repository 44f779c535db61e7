/**
 * Runs `body` as on a machine without a GPU: the Vulkan loader is pointed at a driver manifest that does not
 * exist, so Dawn finds no adapter. The test machines have Mesa's lavapipe (a Vulkan driver on the CPU) for the
 * kernel tests, so "no adapter" has to be made. The loader reads these variables whenever an instance is created.
 */
export async function withoutVulkanDrivers<T>(body: () => Promise<T>): Promise<T> {
  const names = ["VK_DRIVER_FILES", "VK_ICD_FILENAMES"] as const;
  const saved = names.map((n) => process.env[n]);
  for (const n of names) process.env[n] = "/nonexistent/fieldbench-no-driver.json";
  try {
    return await body();
  } finally {
    names.forEach((n, i) => {
      if (saved[i] === undefined) delete process.env[n];
      else process.env[n] = saved[i];
    });
  }
}
