/**
 * `#single-binary` for Node, Deno and every bundler but Bun's: nothing to set up, the native
 * modules load from node_modules. Bun gets `bun-single-binary` (the `bun` condition).
 */
export function prepareNative(): void {}
