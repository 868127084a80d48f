#!/bin/bash -e
# fail: db:migrate
# bash: continues
# `shopt -uo errexit` is `set +o errexit`.
shopt -uo errexit
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
