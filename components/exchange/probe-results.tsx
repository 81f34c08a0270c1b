import { Badge } from "@/components/ui/badge";
import { Empty } from "@/components/ui/card";
import { Mono } from "@/components/ui/details";
import { Table } from "@/components/ui/table";
import type { ProbeView } from "@/lib/services/endpoints/read-endpoints";

const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);

/** The readiness probe's latest results with their evidence (props in; no data access). */
export function ProbeResults({ probes }: { probes: ProbeView[] }) {
  if (!probes.length) return <Empty>No probe has run yet: confirm a callback URL, then run the probe.</Empty>;
  return (
    <Table
      label="Readiness probe results"
      head={["When", "URL", "Outcome", "What it means", "Timings (DNS / TCP / TLS / HTTP)", "Partner certificate"]}
      rows={probes.map((p) => [
        p.startedAt.toISOString().replace("T", " ").slice(0, 19),
        <Mono key="u">{p.url}</Mono>,
        <Badge key="o" tone={p.outcome === "ok" ? "good" : "bad"}>
          {p.outcome}
          {p.httpStatus ? ` ${p.httpStatus}` : ""}
        </Badge>,
        <span key="m" data-testid="probe-message">
          {p.message}
          {p.error ? <span className="block text-xs text-slate-500">{p.error}</span> : null}
        </span>,
        `${ms(p.timings.dnsMs)} / ${ms(p.timings.connectMs)} / ${ms(p.timings.tlsMs)} / ${ms(p.timings.httpMs)}${p.tlsProtocol ? ` (${p.tlsProtocol})` : ""}`,
        p.peer ? (
          <span key="c" className="text-xs">
            <Mono>{p.peer.subject}</Mono>
            <span className="block">
              SHA-256 <Mono>{p.peer.sha256Fingerprint}</Mono>
            </span>
          </span>
        ) : (
          "—"
        ),
      ])}
    />
  );
}
