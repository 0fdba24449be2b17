import { RateLimited, Unavailable } from "@promptline/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./auth.js";

export interface UploadGateLimits {
  /** Bodies larger than this (or of unknown length) take a turn. */
  largeBodyBytes: number;
  /** Large bodies read and worked on at once, in the whole server. */
  maxActive: number;
  /** Large bodies that may wait for a turn; more are refused. */
  maxWaiting: number;
  /** How long a large body may wait for its turn before it is refused. */
  maxWaitMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadGateLimits = {
  largeBodyBytes: 1024 * 1024,
  maxActive: 2,
  maxWaiting: 4,
  maxWaitMs: 10_000,
};

/** What a refused sender is told to wait: about the time a large batch takes to store. */
const RETRY_AFTER_SECONDS = 2;

interface Waiter {
  grant(): void;
}

/**
 * Turns for requests with large bodies (trace batches, long gateway conversations). Each one in
 * progress holds its body, its parsed form and what is built from it (together several times its
 * size) and works the event loop, so only `maxActive` are read at once and one key has at most
 * one running or waiting: a key's extra one is refused at once (429) — the SDK sends one batch at
 * a time, so only parallel senders sharing a key see this — while those of other keys wait in a
 * short queue, unread, in order, and are refused (503) when it is full or their wait is too long.
 */
export class UploadGate {
  readonly limits: UploadGateLimits;
  private active = 0;
  /** Keys with a batch running or waiting. */
  private readonly keys = new Set<string>();
  private readonly queue: Waiter[] = [];

  constructor(limits: Partial<UploadGateLimits> = {}) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...limits };
  }

  get stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.queue.length };
  }

  /**
   * Resolves when `key`'s batch may go ahead, with the function that ends its turn; throws
   * RateLimited or Unavailable when it may not. An aborted wait leaves the queue.
   */
  async admit(key: string, signal?: AbortSignal): Promise<() => void> {
    if (this.keys.has(key)) {
      throw new RateLimited(
        `this API key already has a request over ${mebibytes(this.limits.largeBodyBytes)} in progress: send large bodies (trace batches, long conversations) one at a time`,
        RETRY_AFTER_SECONDS,
      );
    }
    if (this.active < this.limits.maxActive) {
      this.active++;
      this.keys.add(key);
      return this.turnOf(key);
    }
    if (this.queue.length >= this.limits.maxWaiting) throw this.busy();
    this.keys.add(key);
    return new Promise((resolve, reject) => {
      const leave = (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.queue.splice(this.queue.indexOf(waiter), 1);
        this.keys.delete(key);
        reject(error);
      };
      const onAbort = () => leave(signal?.reason);
      const timer = setTimeout(() => leave(this.busy()), this.limits.maxWaitMs);
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(this.turnOf(key));
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private busy(): Unavailable {
    return new Unavailable(
      "the server is working on as many large requests as it takes at once: send this one again shortly",
      RETRY_AFTER_SECONDS,
    );
  }

  /** Ends the turn once, handing it to the longest waiter. */
  private turnOf(key: string): () => void {
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.keys.delete(key);
      const next = this.queue.shift();
      if (next) next.grant();
      else this.active--;
    };
  }
}

const mebibytes = (bytes: number) => `${+(bytes / 1048576).toFixed(2)} MiB`;

/**
 * Runs the rest of the request (reading the body, parsing, validating, storing) within a turn of
 * the gate when its body is large. Mounted after authentication, as turns are per key, and before
 * anything reads the body, so a waiting or refused upload is never held in memory.
 */
export function takeUploadTurn(gate: UploadGate) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    const length = c.req.header("content-length");
    // A chunked body's size is not known before it is read: it counts as large. Signing in has
    // no principal yet; its body is limited to a few KiB as it is read.
    const large =
      c.req.header("transfer-encoding") !== undefined ||
      (length !== undefined && Number(length) > gate.limits.largeBodyBytes);
    if (!principal || !large) return next();
    const key = `${principal.projectId}/${principal.keyId ?? principal.actor}`;
    const endTurn = await gate.admit(key, c.req.raw.signal);
    try {
      await next();
    } finally {
      endTurn();
    }
  });
}
