"""Import runs: planning, chunks, password hashing and the workers that process them."""
