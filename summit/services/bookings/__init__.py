"""Salon seats: booking, the waiting list, offers of freed seats, lists."""
