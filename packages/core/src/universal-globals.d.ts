// The few web-platform globals core may use (and console): each exists in Node >= 20 and in every browser and
// worker. Declaring only these (instead of the DOM or Node libs) makes any other host API a
// compile error in core.

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: any;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

interface URL {
  readonly href: string;
  readonly protocol: string;
  readonly pathname: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly origin: string;
  readonly search: string;
  readonly hash: string;
  toString(): string;
}
declare var URL: { prototype: URL; new (url: string, base?: string | URL): URL };

interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: { fatal?: boolean }): TextDecoder };

interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

declare var console: { warn(...data: unknown[]): void };
declare function btoa(data: string): string;
declare function atob(data: string): string;

interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: any): void;
}
declare var AbortController: { prototype: AbortController; new (): AbortController };
declare function setTimeout(handler: () => void, timeout?: number): any;
declare function clearTimeout(id: any): void;
