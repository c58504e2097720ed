"""Session 5: health equity metrics of a jurisdiction's places (e.g. the Healthy Places Index by
census tract) and the equity profile that joins them to where contract dollars go."""
