#!/bin/bash
# fail: db:migrate
# bash: aborts
# `set -e` stops the script at a failing simple command.
set -e
echo MARK-before >> "$HOME/trace"
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
bin/rails db:seed
