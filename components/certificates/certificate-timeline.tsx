import Link from "next/link";
import { Badge, type Tone } from "@/components/ui/badge";
import type { CertificateTimeline as Timeline, TimelineEvent } from "@/lib/services/certificates/certificate-timeline";

const LABELS: Record<TimelineEvent["type"], { label: string; tone: Tone }> = {
  issued: { label: "issued", tone: "info" },
  connectivity_verified: { label: "connectivity", tone: "good" },
  revoked: { label: "revoked", tone: "bad" },
  expired: { label: "expired", tone: "neutral" },
};

/** A certificate's timeline, oldest first (derived by lib/services/certificates/certificate-timeline). */
export function CertificateTimeline({ timeline, area }: { timeline: Timeline; area: "partner" | "officer" }) {
  return (
    <div className="grid gap-2">
      <ol className="grid gap-2 border-l border-slate-200 pl-4 text-sm" aria-label="Certificate timeline">
        {timeline.events.map((e, i) => (
          <li key={i} data-event={e.type} className="flex flex-wrap items-baseline gap-2">
            <Badge tone={LABELS[e.type].tone}>{LABELS[e.type].label}</Badge>
            <span className="text-slate-800">{e.message}</span>
            {e.type === "issued" && e.requestId ? (
              <Link className="text-sky-800 underline" href={`/${area}/requests/${e.requestId}`}>
                {area === "officer" ? "review page" : "request page"}
              </Link>
            ) : null}
            {e.type === "issued" && e.renews ? (
              <Link className="text-sky-800 underline" href={`/${area}/certificates/${e.renews}`}>
                previous certificate
              </Link>
            ) : null}
          </li>
        ))}
      </ol>
      {timeline.omittedVerifications ? (
        <p className="text-xs text-slate-500">
          {timeline.omittedVerifications} earlier successful connectivity test{timeline.omittedVerifications === 1 ? "" : "s"} not listed.
        </p>
      ) : null}
      {!timeline.events.some((e) => e.type === "connectivity_verified") ? (
        <p className="text-xs text-slate-500">No successful connectivity test yet: each one is recorded here.</p>
      ) : null}
    </div>
  );
}
