// Native and WASM-backed server packages stay outside the bundle and load from node_modules at run time.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: [
    '@prisma/client',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    '.prisma/client-postgresql',
    'pg',
    'pg-boss',
    'better-sqlite3',
    'onnxruntime-node',
    '@huggingface/transformers',
    '@huggingface/tokenizers',
  ],
  poweredByHeader: false,
  typescript: { tsconfigPath: './tsconfig.json' },
};

export default nextConfig;
