import type { RulesRevisions } from "@intendedops/core";
import { ReadAhead } from "./read-ahead";

/**
 * The tenant's rule revisions as a write transaction's agent lookup read them (PostgreSQL), handed
 * to the rules-revision read that follows it in the same transaction.
 *
 * A submission reads its agent and then both rule revisions, each a round trip on PostgreSQL. The
 * agent lookup of a write transaction reads the revisions too, in the same statement, and leaves
 * them here; `readRulesRevisions` takes them instead of asking again. One object per transaction,
 * and taken once: a later read of the same transaction asks the database.
 *
 * Reading the revisions one statement earlier is what the rules cache already allows (its key is
 * read before the rules it loads, so a concurrent change can only make the rules newer than the
 * key). The transaction's own revision bump must not be hidden, so every bump drops what is held
 * (`drop`, called from the repos' `changed` hook).
 */
export class RevisionsReadWithAgent extends ReadAhead<RulesRevisions> {}
