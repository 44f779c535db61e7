export * from "./datasets.js";
export * from "./degrade/index.js";
