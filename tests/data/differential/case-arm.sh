#!/bin/bash
# fail: db:migrate
# bash: aborts
# A `case` arm is under errexit like any other command.
set -e
case "${1:-deploy}" in
  deploy) bin/rails db:migrate ;;
  seed) bin/rails db:seed ;;
esac
echo MARK-after >> "$HOME/trace"
