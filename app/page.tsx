import Link from "next/link";
import { redirect } from "next/navigation";
import { getWebActor } from "@/lib/auth/web-actor";
import { HOME_BY_ROLE } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function LandingPage() {
  const actor = await getWebActor();
  if (actor?.type === "user") redirect(HOME_BY_ROLE[actor.role]);
  return (
    <div className="mx-auto max-w-2xl py-12">
      <h1 className="text-3xl font-bold">Keyport</h1>
      <p className="mt-4 text-slate-700">
        The provider&apos;s portal for mutual TLS: partners submit certificate signing requests and source IPs, security officers
        review and sign them with the provider&apos;s CA, and both sides download certificates and CA chains in the formats their
        stacks need.
      </p>
      <Link href="/signin" className="mt-8 inline-block rounded bg-slate-900 px-5 py-2 font-medium text-white hover:bg-slate-700">
        Sign in
      </Link>
    </div>
  );
}
