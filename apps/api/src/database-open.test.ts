import { describe, expect, it } from "vitest";
import { PG_URL } from "../test/support/test-app";
import { displayDatabaseUrl, openDatabase } from "./database-open";
import { StartupError } from "./startup-error";

async function failure(url: string): Promise<StartupError> {
  const error = await openDatabase(url).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StartupError);
  return error as StartupError;
}

function withPath(path: string, user?: string): string {
  const url = new URL(PG_URL);
  url.pathname = path;
  if (user) url.username = user;
  return url.toString();
}

describe("openDatabase", () => {
  it("names DATABASE_URL without the password when nothing listens at the address", async () => {
    const error = await failure("postgres://postgres:s3cret@127.0.0.1:1/x");
    expect(error.message).toBe(
      "Cannot open the database at DATABASE_URL (postgres://postgres:***@127.0.0.1:1/x): connect ECONNREFUSED 127.0.0.1:1",
    );
  });

  it("says which database is missing when it does not exist", async () => {
    const url = withPath("/intendedops_no_such_db");
    expect((await failure(url)).message).toBe(
      `Cannot open the database at DATABASE_URL (${url}): database "intendedops_no_such_db" does not exist`,
    );
  });

  it("says which role is missing when the user does not exist", async () => {
    const url = withPath(new URL(PG_URL).pathname, "intendedops_no_such_role");
    expect((await failure(url)).message).toContain('role "intendedops_no_such_role" does not exist');
  });

  it("keeps the cause for the log when opening fails", async () => {
    const error = await failure("postgres://postgres@127.0.0.1:1/x");
    expect((error.cause as { code?: string }).code).toBe("ECONNREFUSED");
  });
});

describe("displayDatabaseUrl", () => {
  it.each([
    ["postgres://app:s3cret@db.internal:5432/prod", "postgres://app:***@db.internal:5432/prod"],
    [
      "postgresql://app@db/prod?password=s3cret&sslmode=require",
      "postgresql://app@db/prod?password=***&sslmode=require",
    ],
    ["postgres://app:p#ss@db/prod", "postgres://app:***@db/prod"],
    ["file:./data/intendedops.db", "file:./data/intendedops.db"],
  ])("shows %s as %s", (url, shown) => {
    expect(displayDatabaseUrl(url)).toBe(shown);
  });
});
