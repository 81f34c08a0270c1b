import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { Pager } from "@/components/ui/pager";
import { requirePageActor } from "@/lib/auth/web-actor";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { AppError } from "@/lib/errors";
import { type JobRun, listJobRunsPage, listJobs } from "@/lib/services/jobs/list-jobs";

export const dynamic = "force-dynamic";

const tone = (state: string): Tone => (state === "completed" ? "good" : state === "failed" ? "bad" : state === "retry" ? "warn" : "neutral");

const runRows = (runs: JobRun[], retryLimit: number) =>
  runs.map((r) => [formatTime(r.createdAt), formatTime(r.startedAt), formatTime(r.completedAt), <Badge key="s" tone={tone(r.state)}>{r.state}</Badge>, `${r.retryCount}/${retryLimit}`, r.error ?? ""]);
const RUN_HEAD = ["Created", "Started", "Finished", "State", "Retries", "Error"];

/** Each job's schedule and newest runs; with ?job=<name>, that job's runs one page at a time, newest first. */
export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:admin", "/admin/jobs");
  const sp = await searchParams;
  const job = (Array.isArray(sp.job) ? sp.job[0] : sp.job) || undefined;
  const at = cursorParams(sp);
  const [jobs, history] = await Promise.all([
    listJobs(actor),
    job
      ? orFirstPage(at, (c) => listJobRunsPage(actor, { job, limit: 50, ...c })).catch((e: unknown) => {
          if (e instanceof AppError && e.code === "not_found") notFound();
          throw e;
        })
      : null,
  ]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Scheduled work (pg-boss on Keyport's database): each run happens on one instance, failed runs are retried with backoff.">Background jobs</PageTitle>
      {history ? (
        <Card
          title={`${history.job.name}: all runs`}
          actions={<Pager params={{ job: history.job.name }} nextCursor={history.nextCursor} prevCursor={history.prevCursor} paged={isPaged(at)} label={`${history.job.name} run pages`} />}
        >
          <p className="mb-3 text-sm text-slate-700">
            {history.job.description}{" "}
            <Link className="text-sky-800 underline" href="/admin/jobs">
              All jobs
            </Link>
          </p>
          {history.runs.length ? <Table label={`${history.job.name} run history`} head={RUN_HEAD} rows={runRows(history.runs, history.job.retryLimit)} /> : <Empty>Not run yet.</Empty>}
        </Card>
      ) : null}
      {jobs.map((j) => (
        <Card key={j.name} title={j.name}>
          <p className="mb-3 text-sm text-slate-700">
            {j.description}{" "}
            <Link className="text-sky-800 underline" href={`?${new URLSearchParams({ job: j.name })}`}>
              All runs of {j.name}
            </Link>
          </p>
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
          {j.runs.length ? <Table label={`${j.name} runs`} head={RUN_HEAD} rows={runRows(j.runs, j.retryLimit)} /> : <Empty>Not run yet.</Empty>}
        </Card>
      ))}
    </div>
  );
}
