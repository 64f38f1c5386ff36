// Copies the non-TypeScript files the build needs (the web page's HTML/CSS/JS) from src/ to dist/.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';

const assetExtensions = new Set(['.html', '.css', '.js', '.svg', '.ico', '.png', '.json']);

function copyAssets(from, to) {
  if (!existsSync(from)) return;
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    if (statSync(src).isDirectory()) copyAssets(src, dst);
    else if (assetExtensions.has(extname(name))) cpSync(src, dst);
  }
}

copyAssets('src', 'dist');
