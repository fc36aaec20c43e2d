"""AWS: live collection through boto3, described as data by ResourceSpecs."""
