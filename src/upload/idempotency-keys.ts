import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { IncomingMessage } from 'node:http';
import { IdempotencyConfig } from '../config/config';
import {
  IdempotencyKeysRepository,
  KeyCompletion,
  KeyHold,
  KeyInUse,
  ScopedKey,
} from '../requests/idempotency-keys.repository';

/** How long a hold lasts without renewal: what a killed API keeps a key from a retry. */
const HOLD_MS = 60_000;
const RENEW_EVERY_MS = 15_000;
/** Taking a key that another upload frees at that very moment is tried again this often. */
const CLAIM_TRIES = 3;

/** The upload's idempotency key passed to another upload while it was being stored. */
export class IdempotencyKeyLostError extends Error {
  constructor() {
    super('The upload no longer holds its idempotency key');
  }
}

/** A key held for one upload, until the upload is stored (or fails and releases it). */
export class HeldKey {
  private readonly logger = new Logger(HeldKey.name);

  constructor(
    private readonly scoped: ScopedKey,
    private readonly holder: string,
    private readonly repository: IdempotencyKeysRepository,
    private readonly ttlMs: number,
  ) {}

  /**
   * Renews the hold while the client is connected, until the returned function is called. A
   * client that goes away stops the renewals, so that its key frees itself soon after.
   */
  renewWhileConnected(request: IncomingMessage): () => void {
    const renew = () =>
      this.repository
        .renew(this.scoped, this.holder, new Date(Date.now() + HOLD_MS))
        .catch((error: unknown) =>
          this.logger.warn(`Renewing an idempotency key failed: ${String(error)}`),
        );
    const timer = setInterval(() => void renew(), RENEW_EVERY_MS);
    timer.unref();
    const stop = () => clearInterval(timer);
    request.socket.once('close', stop);
    return () => {
      stop();
      request.socket.off('close', stop);
    };
  }

  /**
   * Makes the key name the request, in the transaction that stores it, so that the request and
   * its key exist together or not at all. Run before the products: on PostgreSQL this locks the
   * key's row for the rest of the transaction, so that nobody can take the key over while a
   * large upload is inserted. Throws `IdempotencyKeyLostError` when the upload no longer holds
   * the key, which rolls the request back.
   */
  async complete(manager: EntityManager, requestPk: number, fingerprint: string): Promise<void> {
    const completion: KeyCompletion = {
      ...this.scoped,
      holder: this.holder,
      fingerprint,
      expiresAt: new Date(Date.now() + this.ttlMs),
    };
    if (!(await this.repository.complete(manager, requestPk, completion))) {
      throw new IdempotencyKeyLostError();
    }
  }

  /** Frees the key of an upload that failed, so that the client can send it again. */
  async release(): Promise<void> {
    try {
      await this.repository.release(this.scoped, this.holder);
    } catch (error) {
      // The hold lapses by itself soon.
      this.logger.warn(`Releasing an idempotency key failed: ${String(error)}`);
    }
  }
}

/** The key is ours to use for this upload, or someone else's: held, or used for a request. */
export type KeyClaim = { state: 'ours'; key: HeldKey } | KeyInUse;

/**
 * The rules of upload idempotency keys: a key is held by one upload at a time, for as long as
 * that upload is received and stored; then it names the request the upload created until it
 * expires. A failed upload frees its key; so does, after a minute, an API killed mid-upload.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly repository: IdempotencyKeysRepository,
    private readonly config: IdempotencyConfig,
  ) {}

  async claim(scoped: ScopedKey): Promise<KeyClaim> {
    for (let attempt = 1; ; attempt++) {
      const now = new Date();
      const hold: KeyHold = {
        holder: randomUUID(),
        heldUntil: new Date(now.getTime() + HOLD_MS),
        expiresAt: new Date(now.getTime() + this.config.keyTtlMs),
      };
      if (await this.repository.take(scoped, hold, now)) {
        return {
          state: 'ours',
          key: new HeldKey(scoped, hold.holder, this.repository, this.config.keyTtlMs),
        };
      }
      const inUse = await this.repository.inUse(scoped);
      if (inUse) return inUse;
      // Freed between the two statements: as good as held by whoever is freeing and taking it.
      if (attempt === CLAIM_TRIES) return { state: 'held' };
    }
  }

  deleteExpired(): Promise<number> {
    return this.repository.deleteExpired(new Date());
  }
}
