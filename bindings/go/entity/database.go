package entity

// Database describes a database: a namespace of collections (milvus-sdk-go v2.4.2).
type Database struct {
	Name string
	// Properties as given at creation (DescribeDatabase fills them; ListDatabases does not).
	Properties map[string]string
}
