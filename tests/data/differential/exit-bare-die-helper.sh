#!/bin/bash
# fail: db:migrate
# bash: continues
# A `die` helper that prints, then exits without a status: 0.
die() { echo "$*" >&2; exit; }
bin/rails db:migrate || die "migration failed"
echo MARK-after >> "$HOME/trace"
