import Link from "next/link";
import { PageTitle } from "@/components/ui/card";
import { AllowlistReview } from "@/components/officer/allowlist-review";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getAllowlistReview } from "@/lib/services/review/review-allowlist";
import { orNotFound } from "../../_shared/page-data";

export const dynamic = "force-dynamic";

export default async function AllowlistRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor("area:officer", `/officer/allowlist/${id}`);
  const review = await orNotFound(getAllowlistReview(actor, id));
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={<Link href="/officer/allowlist" className="underline">All allowlist requests and exports</Link>}>IP allowlist request</PageTitle>
      <AllowlistReview review={review} officerId={actor.userId} linkTitle={false} />
    </div>
  );
}
