import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-xl py-12" data-testid="forbidden">
      <h1 className="text-2xl font-bold">403 — Not allowed</h1>
      <p className="mt-3 text-slate-700">Your account does not have access to this page.</p>
      <Link href="/" className="mt-6 inline-block text-sm underline">
        Go to your home page
      </Link>
    </div>
  );
}
