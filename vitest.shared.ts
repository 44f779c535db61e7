import type { ViteUserConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "source" export condition,
// so tests never need a build and always see the code as it is on disk.
const conditions = ["source", "module", "node", "import", "default"];

export const shared: ViteUserConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    include: ["src/**/*.test.ts", "*.test.ts", "**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    passWithNoTests: true,
  },
};
