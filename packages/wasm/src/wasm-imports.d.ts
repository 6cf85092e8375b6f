// How the edge entries import their .wasm files: as a precompiled WebAssembly.Module, which
// workerd/wrangler (`import m from './x.wasm'`) and Vercel/Next.js (`'./x.wasm?module'`) provide.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
