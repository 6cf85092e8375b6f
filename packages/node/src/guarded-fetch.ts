import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import {
  privateAddressKind,
  runtimeError,
  type FetchBoundedOptions,
  type FetchLike,
  type NetworkPolicy,
  type ResponseLike,
} from '@onnx-mobilenet/core/adapter';

/** A resolver with the shape of `dns.lookup` called with `all: true`. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect` that keeps only public addresses of what `resolve` answers: the
 * connection is made to an address that was checked, so a name that resolves to a public address
 * for a check and to 127.0.0.1 for the connection (DNS rebinding) cannot get through. A name with
 * no public address fails with `E_FORBIDDEN` saying what it resolved to (core adds the URL).
 */
export function publicOnlyLookup(resolve: ResolveAll = dnsLookup as ResolveAll) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const allowed = addresses.filter((a) => privateAddressKind(a.address) === undefined);
      const refused = addresses[0];
      if (allowed.length === 0 || !refused) {
        const what = refused ? `${refused.address}, a ${privateAddressKind(refused.address)} address` : 'no address';
        return callback(new OnnxMobilenetError('E_FORBIDDEN', `${hostname} = ${what}`) as unknown as NodeJS.ErrnoException, '');
      }
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * undici's fetch (the same client as Node's global fetch, which cannot take a connection hook
 * without it) through an `Agent` whose connections resolve with {@link publicOnlyLookup}.
 * Literal IP hosts skip any lookup; core's `checkHop` checks those before each request.
 */
export function publicOnlyFetch(resolve?: ResolveAll): FetchLike {
  let agent: import('undici').Agent | undefined;
  return async (url, init) => {
    const { Agent, fetch } = await loadUndici();
    agent ??= new Agent({ connect: { lookup: publicOnlyLookup(resolve) } });
    return (await fetch(url, { ...init, dispatcher: agent })) as ResponseLike;
  };
}

let undici: Promise<typeof import('undici')> | undefined;
/**
 * undici, imported on the first download rather than with the adapter: it is 70-100 CPU ms of a
 * fresh process's import (bench/cold-start-bench.mjs), which a classifier of local files never uses.
 */
function loadUndici(): Promise<typeof import('undici')> {
  undici ??= import('undici').catch((err: unknown) => {
    undici = undefined; // a later download tries again
    throw runtimeError('undici (the HTTP client downloads use) cannot load in this process', err, UNDICI_FIX, { cause: err });
  });
  return undici;
}

const UNDICI_FIX = 'install @onnx-mobilenet/node with its dependencies (undici is one), and keep it external to bundlers';

let strict: FetchLike | undefined;
const open: FetchLike = async (url, init) => (await (await loadUndici()).fetch(url, init)) as ResponseLike;

/**
 * What core's `fetchBounded` needs to download under a classifier's network policy in Node:
 * redirects followed by core (each hop checked), connections to public addresses only unless
 * `allowPrivateNetwork`.
 */
export function nodeNetworkAccess(network: NetworkPolicy | undefined): Pick<FetchBoundedOptions, 'network' | 'fetch' | 'redirect'> {
  strict ??= publicOnlyFetch();
  return { network, fetch: network?.allowPrivateNetwork ? open : strict, redirect: 'manual' };
}
