"""Badges: who gets one, signed tokens, designs, rendering with WeasyPrint, batches."""
