// A throwaway HTTP server on 127.0.0.1 for download tests: serves files by route, plus faults.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { file: Uint8Array; type?: string }
  | { status: number; body?: string; type?: string }
  | { cutAfter: number; file: Uint8Array }
  | { stall: true };

export interface FileServer {
  url: (path: string) => string;
  base: string;
  hits: Map<string, number>;
  close: () => Promise<void>;
}

export async function serveFiles(routes: Record<string, Route>): Promise<FileServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if ('stall' in route) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
      res.write(new Uint8Array(10)); // then nothing: a stalled server
    } else if ('cutAfter' in route) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.file.byteLength) });
      res.write(route.file.subarray(0, route.cutAfter), () => res.socket?.destroy());
    } else if ('status' in route) {
      res.writeHead(route.status, { 'content-type': route.type ?? 'text/plain' }).end(route.body ?? '');
    } else {
      res.writeHead(200, { 'content-type': route.type ?? 'application/octet-stream', 'content-length': String(route.file.byteLength) });
      res.end(route.file);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (path) => `${base}${path}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: one the system just gave out and took back (an offline server). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
