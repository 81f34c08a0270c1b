"use client";

export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  return (
    <div className="mx-auto max-w-xl py-12">
      <h1 className="text-2xl font-bold">Something went wrong</h1>
      <p className="mt-3 text-slate-700">Please try again. If it keeps happening, give your administrator this reference: {error.digest ?? "n/a"}.</p>
    </div>
  );
}
