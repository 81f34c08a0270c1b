// A render error reaches the log as one structured line with the request id and the error page's
// digest, and without the request's cookies or tokens.
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { runWithRequest } from "@/lib/log/request-context";
import { reportRenderError } from "./render-error";

const shared = globalThis as { __keyportLogger?: pino.Logger };
const saved = shared.__keyportLogger;
afterEach(() => {
  shared.__keyportLogger = saved;
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  shared.__keyportLogger = pino({ level: "info" }, sink);
  return lines;
}

const context = { routerKind: "App Router", routePath: "/partner/certificates/[id]", routeType: "render" };

describe("render errors", () => {
  it("log the request id, the digest, the route and the stack, never headers", () => {
    const lines = capture();
    const error = Object.assign(new Error("boom"), { digest: "1234567890" });
    runWithRequest({ requestId: "a1b2c3d4e5f60718" }, () =>
      reportRenderError(error, { path: "/partner/certificates/x?tab=1", method: "GET", headers: { cookie: "next-auth.session-token=secret", authorization: "Bearer kp_secret" } }, context),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ component: "render", ref: "a1b2c3d4e5f60718", digest: "1234567890", path: "/partner/certificates/x", route: "/partner/certificates/[id]", routeType: "render", method: "GET" });
    expect((lines[0].err as { stack: string }).stack).toContain("boom");
    expect(JSON.stringify(lines[0])).not.toMatch(/secret/);
    expect(lines[0].msg).toBe("unexpected error rendering /partner/certificates/[id] (ref a1b2c3d4e5f60718, digest 1234567890)");
  });

  it("take the request id from the server's header outside the request's context, and never a malformed one", () => {
    const lines = capture();
    reportRenderError(new Error("x"), { path: "/", method: "POST", headers: { "x-request-id": "0011223344556677" } }, context);
    reportRenderError("thrown string", { path: "/", method: "POST", headers: { "x-request-id": "<script>" } }, context);
    expect(lines[0].ref).toBe("0011223344556677");
    expect(lines[1].ref).toBeUndefined();
    expect(lines[1].err).toBe("thrown string");
  });
});
