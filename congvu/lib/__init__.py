"""Pure, Django-free helpers: working-day arithmetic, environment parsing, text folding."""
