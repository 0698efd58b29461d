import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { EntityManager } from 'typeorm';
import { RequestStatus } from './request-status';
import { runStatement } from './sql-statements';

/** A key as its owner sent it: keys are unique per API key owner, not across owners. */
export interface ScopedKey {
  /** Owner id of the API key; empty when API keys are off. */
  owner: string;
  key: string;
}

/** A hold on a key, taken for one upload. */
export interface KeyHold {
  /** Identifies the upload that holds the key. */
  holder: string;
  /** When the hold lapses unless it is renewed. */
  heldUntil: Date;
  /** When the key expires, counted from now. */
  expiresAt: Date;
}

/** What a stored upload leaves on its key. */
export interface KeyCompletion extends ScopedKey {
  holder: string;
  fingerprint: string;
  expiresAt: Date;
}

/** A key that is in use: held by an upload under way, or naming the request it created. */
export type KeyInUse =
  | { state: 'held' }
  | { state: 'used'; fingerprint: string; requestId: string; status: RequestStatus };

const RESERVE = `
  INSERT INTO idempotency_keys (owner, idempotency_key, holder, held_until, expires_at, created_at)
  VALUES (:owner, :key, :holder, :heldUntil, :expiresAt, :now)
  ON CONFLICT DO NOTHING`;

/** A hold that lapsed (its API died) or a used key that expired is free for a new upload. */
const TAKE_OVER = `
  UPDATE idempotency_keys
     SET holder = :holder, held_until = :heldUntil, expires_at = :expiresAt, created_at = :now,
         request_pk = NULL, fingerprint = NULL
   WHERE owner = :owner AND idempotency_key = :key
     AND ((request_pk IS NULL AND held_until <= :now)
          OR (request_pk IS NOT NULL AND expires_at <= :now))`;

const FIND = `
  SELECT k.fingerprint AS fingerprint, r.request_id AS request_uuid, r.status AS status
    FROM idempotency_keys k
    LEFT JOIN image_processing_requests r ON r.id = k.request_pk
   WHERE k.owner = :owner AND k.idempotency_key = :key`;

const RENEW = `
  UPDATE idempotency_keys SET held_until = :heldUntil
   WHERE owner = :owner AND idempotency_key = :key AND holder = :holder`;

const RELEASE = `
  DELETE FROM idempotency_keys
   WHERE owner = :owner AND idempotency_key = :key AND holder = :holder`;

const COMPLETE = `
  UPDATE idempotency_keys
     SET request_pk = :requestPk, fingerprint = :fingerprint, expires_at = :expiresAt,
         holder = NULL, held_until = NULL
   WHERE owner = :owner AND idempotency_key = :key AND holder = :holder`;

const DELETE_EXPIRED = `
  DELETE FROM idempotency_keys
   WHERE expires_at <= :now AND (request_pk IS NOT NULL OR held_until <= :now)`;

/**
 * The idempotency keys of uploads. Taking a key is one conditional statement, so that of two
 * uploads with the same key, however they race, one holds it; the other is told who has it.
 */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(private readonly database: Database) {}

  /** Holds the key for an upload if it is free (new, lapsed or expired); false when it is not. */
  async take(scoped: ScopedKey, hold: KeyHold, now: Date): Promise<boolean> {
    const values = { ...scoped, ...hold, now };
    if ((await this.database.statement(RESERVE, values)).affected === 1) return true;
    return (await this.database.statement(TAKE_OVER, values)).affected === 1;
  }

  /** Who has the key; null when nobody does (it was released or deleted meanwhile). */
  async inUse(scoped: ScopedKey): Promise<KeyInUse | null> {
    const { rows } = await this.database.statement<{
      fingerprint: string | null;
      request_uuid: string | null;
      status: RequestStatus | null;
    }>(FIND, { ...scoped });
    const [row] = rows;
    if (!row) return null;
    if (row.fingerprint === null || row.request_uuid === null || row.status === null) {
      return { state: 'held' };
    }
    return {
      state: 'used',
      fingerprint: row.fingerprint,
      requestId: row.request_uuid,
      status: row.status,
    };
  }

  /** Keeps holding the key; nothing happens when the hold has passed to another upload. */
  async renew(scoped: ScopedKey, holder: string, heldUntil: Date): Promise<void> {
    await this.database.statement(RENEW, { ...scoped, holder, heldUntil });
  }

  /** Frees a key whose upload failed; a key used by a stored upload stays. */
  async release(scoped: ScopedKey, holder: string): Promise<void> {
    await this.database.statement(RELEASE, { ...scoped, holder });
  }

  /**
   * Within the transaction that stores an upload: the key names its request from now on. False
   * when the upload no longer holds the key (its hold lapsed and another upload took it).
   */
  async complete(
    manager: EntityManager,
    requestPk: number,
    completion: KeyCompletion,
  ): Promise<boolean> {
    const { owner, key, holder, fingerprint, expiresAt } = completion;
    const { affected } = await runStatement(manager, COMPLETE, {
      owner,
      key,
      holder,
      fingerprint,
      expiresAt,
      requestPk,
    });
    return affected === 1;
  }

  /** Deletes the keys that expired (but no hold still under way); returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    return (await this.database.statement(DELETE_EXPIRED, { now })).affected;
  }
}
