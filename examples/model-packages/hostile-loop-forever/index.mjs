// Hostile: never returns from predict (a busy loop); ci-score's wall-time limit kills it.
export function createModel() {
  return {
    name: "hostile-loop-forever",
    version: "0.0.1",
    parameters: 0,
    integrity: "x",
    predict: async () => {
      for (;;) {}
    },
  };
}
