"""The demo summit: the 2017 Kangding e-commerce conference, step by step."""
