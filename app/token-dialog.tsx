'use client';
// When the server has DLM_TOKEN set, every request that runs or changes something needs it. The dashboard asks
// once (this dialog, on the first 401), keeps it in sessionStorage for the tab, and sends it on every mutating
// request; reading pages never needs it.
import { useEffect, useRef, useState } from 'react';

const STORAGE_KEY = 'dlm-token';
type Ask = (wrong: boolean) => Promise<string | null>;
let ask: Ask | null = null; // set while the dialog is mounted (the root layout mounts it once)

/** fetch() with the stored token; on 401 asks for it (again, if the stored one was wrong) and retries. */
export async function authorizedFetch(input: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const token = sessionStorage.getItem(STORAGE_KEY);
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    const response = await fetch(input, { ...init, headers });
    if (response.status !== 401 || !ask) return response;
    const entered = await ask(token !== null);
    if (entered === null) return response; // dismissed: the caller shows the 401's message
    sessionStorage.setItem(STORAGE_KEY, entered);
  }
}

export function TokenDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [asking, setAsking] = useState(false); // the form exists only while asking: pages stay free of controls
  const [wrong, setWrong] = useState(false);
  const [value, setValue] = useState('');
  const pending = useRef<((token: string | null) => void) | null>(null);
  useEffect(() => {
    ask = (wasWrong) =>
      new Promise((resolve) => {
        pending.current?.(null);
        pending.current = resolve;
        setWrong(wasWrong);
        setValue('');
        setAsking(true);
        if (!dialog.current?.open) dialog.current?.showModal();
      });
    return () => {
      ask = null;
    };
  }, []);
  const answer = (token: string | null) => {
    dialog.current?.close();
    setAsking(false);
    pending.current?.(token);
    pending.current = null;
  };
  return (
    <dialog ref={dialog} className="card token-dialog" data-testid="token-dialog" onCancel={() => answer(null)} aria-labelledby="token-dialog-title">
      {asking && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) answer(value.trim());
          }}
        >
          <h2 id="token-dialog-title">Access token</h2>
          <p>
            {wrong ? 'That token was not accepted. ' : ''}This server needs its <code>DLM_TOKEN</code> to run or change anything. It is kept in this tab only.
          </p>
          <label>
            Token
            <input type="password" autoComplete="off" autoFocus value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input" />
          </label>
          <div className="actions">
            <button type="submit" data-testid="token-submit">
              Continue
            </button>
            <button type="button" onClick={() => answer(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
