"""What a user asks for: build, check, proof, approve, schema."""
