"""What is rendered for people: roadmaps and reports. Reads the domain, never writes it."""
