#!/bin/bash
# fail: db:migrate
# bash: continues
# `main "$@" || exit 1`: errexit is ignored in all of main, so it goes on after the failure.
set -e
main() {
  bin/rails db:migrate
  echo MARK-after-migrate >> "$HOME/trace"
  bin/rails db:seed
}
main "$@" || exit 1
