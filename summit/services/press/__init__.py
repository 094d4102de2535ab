"""Media accreditation: applications, review and quotas, files, press badges, the press room."""
