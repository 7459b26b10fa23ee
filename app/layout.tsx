import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { TokenDialog } from './token-dialog.tsx';

export const metadata: Metadata = {
  title: 'Diffusion Playground',
  description: 'Masked-diffusion vs autoregressive decoding, measured on your own hardware.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <a href="/" className="brand">
            Diffusion Playground
          </a>
          <nav aria-label="Main">
            <a href="/">Playground</a>
            <a href="/experiments">Experiments</a>
            <a href="/models">Models</a>
          </nav>
          <span className="tagline">masked diffusion vs autoregressive, measured here</span>
        </header>
        <main>{children}</main>
        <TokenDialog />
      </body>
    </html>
  );
}
