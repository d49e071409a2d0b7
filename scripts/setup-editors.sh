#!/usr/bin/env bash
# Installs the editors whose README snippets test/server/clients.test.ts runs against the server: Debian's
# neovim (0.7 on bookworm), emacs-nox and elpa-eglot (Eglot 1.9); and pre-commit, with which
# test/unit/pre-commit.test.ts runs the repository's hook. Debian packages only; nothing else is
# downloaded. Without them the tests skip with a message.
set -euo pipefail

missing=()
command -v nvim >/dev/null || missing+=(neovim)
command -v emacs >/dev/null || missing+=(emacs-nox)
dpkg -s elpa-eglot >/dev/null 2>&1 || missing+=(elpa-eglot)
command -v pre-commit >/dev/null || missing+=(pre-commit)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "editors: $(nvim --version | head -1), $(emacs --version | head -1), eglot $(dpkg-query -W -f='${Version}' elpa-eglot), $(pre-commit --version)"
