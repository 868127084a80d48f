#!/bin/bash
# fail: db:migrate
# bash: aborts
# `|| die "…"` with a helper that exits.
die() {
  echo "error: $*" >&2
  exit 1
}
bin/rails db:migrate || die "db:migrate failed"
echo MARK-after >> "$HOME/trace"
