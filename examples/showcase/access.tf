# A Terraform module with the Octopus provider: the same rules, plus three of Terraform's own.
resource "octopusdeploy_user_role" "release_managers" {
  name                      = "Release managers"
  granted_space_permissions = ["ReleaseCreate", "ReleaseView"]
  # tf-readonly-attribute: computed by the server, so setting it does nothing
  can_be_deleted = true
}

resource "octopusdeploy_team" "release_managers" {
  name     = "Release managers"
  space_id = "Spaces-1"

  user_role {
    user_role_id = octopusdeploy_user_role.release_managers.id
    space_id     = "Spaces-1"
  }
}

resource "octopusdeploy_scoped_user_role" "release_managers_view" {
  # tf-inline-and-scoped-assignments: the team resource above removes this role on its next change
  team_id      = octopusdeploy_team.release_managers.id
  user_role_id = "userroles-releasecreator"
  space_id     = "Spaces-1"
}

resource "octopusdeploy_team" "everyone" {
  # tf-builtin-team-resource: every server has Everyone; look it up instead
  name = "Everyone"
}
