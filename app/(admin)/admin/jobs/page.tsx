import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listJobs } from "@/lib/services/jobs/list-jobs";

export const dynamic = "force-dynamic";

const tone = (state: string): Tone => (state === "completed" ? "good" : state === "failed" ? "bad" : state === "retry" ? "warn" : "neutral");

export default async function JobsPage() {
  const actor = await requirePageActor("area:admin", "/admin/jobs");
  const jobs = await listJobs(actor);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Scheduled work (pg-boss on Keyport's database): each run happens on one instance, failed runs are retried with backoff.">Background jobs</PageTitle>
      {jobs.map((j) => (
        <Card key={j.name} title={j.name}>
          <p className="mb-3 text-sm text-slate-700">{j.description}</p>
          <dl className="mb-3 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" aria-label={`${j.name} schedule`}>
            <dt className="text-slate-500">Schedule (UTC)</dt>
            <dd>
              <code>{j.cron ?? "on demand"}</code>
            </dd>
            <dt className="text-slate-500">Next run</dt>
            <dd>{formatTime(j.nextRun)}</dd>
            <dt className="text-slate-500">Failures (24 h)</dt>
            <dd>{j.failures24h ? <Badge tone="bad">{j.failures24h}</Badge> : "0"}</dd>
            <dt className="text-slate-500">Waiting</dt>
            <dd>{j.waiting}</dd>
          </dl>
          {j.runs.length ? (
            <Table
              label={`${j.name} runs`}
              head={["Created", "Started", "Finished", "State", "Retries", "Error"]}
              rows={j.runs.map((r) => [formatTime(r.createdAt), formatTime(r.startedAt), formatTime(r.completedAt), <Badge key="s" tone={tone(r.state)}>{r.state}</Badge>, `${r.retryCount}/${j.retryLimit}`, r.error ?? ""])}
            />
          ) : (
            <Empty>Not run yet.</Empty>
          )}
        </Card>
      ))}
    </div>
  );
}
