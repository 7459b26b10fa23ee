'use client';
// A chart with its data on hand: download the data as CSV or JSON, copy the picture as SVG or PNG (to the
// clipboard where the browser allows it, else as a download). The title says where it was measured.
import { toCsv } from '@/lib/harness/csv.ts';
import { type ReactNode, useRef, useState } from 'react';

function download(name: string, type: string, body: BlobPart) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ChartCard({
  id,
  title,
  note,
  data,
  children,
}: {
  id: string;
  title: string;
  note?: string;
  data: Record<string, unknown>[];
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('');
  const svgText = () => {
    const svg = box.current?.querySelector('.recharts-wrapper > svg.recharts-surface');
    if (!svg) return null;
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.style.background = getComputedStyle(document.body).backgroundColor;
    return new XMLSerializer().serializeToString(clone);
  };
  async function copySvg() {
    const text = svgText();
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
      setStatus('SVG copied');
    } catch {
      download(`${id}.svg`, 'image/svg+xml', text);
      setStatus('SVG downloaded');
    }
  }
  async function copyPng() {
    const text = svgText();
    const svg = box.current?.querySelector('.recharts-wrapper > svg.recharts-surface');
    if (!text || !svg) return;
    const { width, height } = svg.getBoundingClientRect();
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * 2);
    canvas.height = Math.round(height * 2);
    const context = canvas.getContext('2d')!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return;
    try {
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
      setStatus('PNG copied');
    } catch {
      download(`${id}.png`, 'image/png', blob);
      setStatus('PNG downloaded');
    }
  }
  return (
    <figure className="card chart" data-testid={`chart-${id}`}>
      <figcaption>
        <strong>{title}</strong>
        {note && <span className="muted"> — {note}</span>}
      </figcaption>
      <div ref={box} className="chart-box">
        {data.length === 0 ? <p className="empty">No data for this chart.</p> : children}
      </div>
      <div className="chart-actions">
        <button type="button" className="link" onClick={() => download(`${id}.csv`, 'text/csv', toCsv(data))}>
          Download CSV
        </button>
        <button type="button" className="link" onClick={() => download(`${id}.json`, 'application/json', JSON.stringify(data, null, 2))}>
          Download JSON
        </button>
        <button type="button" className="link" onClick={() => void copySvg()}>
          Copy SVG
        </button>
        <button type="button" className="link" onClick={() => void copyPng()}>
          Copy PNG
        </button>
        <span className="muted" aria-live="polite">
          {status}
        </span>
      </div>
    </figure>
  );
}
