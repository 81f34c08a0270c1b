import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-xl py-12">
      <h1 className="text-2xl font-bold">404 — Not found</h1>
      <p className="mt-3 text-slate-700">There is nothing here, or you do not have access to it.</p>
      <Link href="/" className="mt-6 inline-block text-sm underline">
        Go to your home page
      </Link>
    </div>
  );
}
