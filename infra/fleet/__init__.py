"""The fleet (`cdk deploy -c fleet=true`): gifsvc for many users on AWS's distributed parts.

CloudFront in front of an Application Load Balancer and an Auto Scaling group of hosts
provisioned like the single instance, GIFs in an S3 bucket that CloudFront serves directly.
One construct per part; stack.py wires them.
"""
