# Not valid HCL: the checker says where Terraform's parser would stop (in the editor, HashiCorp's Terraform
# extension underlines it instead).
resource "octopusdeploy_user_role" "broken" {
  name = "Broken"
  # tf-syntax: a comma is missing between the two permissions
  granted_space_permissions = ["ProjectView" "ReleaseView"]
}
