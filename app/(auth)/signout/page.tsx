import { SignOutButton } from "@/components/auth/signout-button";

export default function SignOutPage() {
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="mb-4 text-2xl font-bold">Sign out</h1>
      <p className="mb-6 text-slate-700">End your Keyport session on this browser.</p>
      <SignOutButton />
    </div>
  );
}
