// pffft-wasm ships no types: its default export is the emscripten module factory.
declare module "@echogarden/pffft-wasm/simd" {
  const factory: () => Promise<unknown>;
  export default factory;
}
