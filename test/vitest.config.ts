import { defineConfig } from "vitest/config";
import { shared } from "../vitest.shared.js";

// End-to-end tests run the built `fieldbench` binary as a user would (turbo builds it first).
export default defineConfig({ ...shared, test: { ...shared.test, include: ["**/*.test.ts"] } });
