// @echogarden/pffft-wasm ships no types; fft.ts narrows the module it returns.
declare module "@echogarden/pffft-wasm/simd" {
  const factory: () => Promise<unknown>;
  export default factory;
}
