'use client';
// While a sweep runs: its progress, and a reload of the page (with the new runs) when it ends.
import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { SweepProgress } from '../sweep-form.tsx';

export function RunningBanner({ id }: { id: string }) {
  const router = useRouter();
  const refresh = useCallback(() => router.refresh(), [router]);
  return <SweepProgress id={id} onDone={refresh} />;
}
