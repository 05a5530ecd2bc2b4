import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { PortRangeDto } from '../../common/port-range.dto';
import { IsName, IsQueryBoolean, IsResourceName, IsResourceRef, IsStringMap } from '../../common/validators';

export class CreateWorkerDto {
  @ApiProperty({ description: 'Unique worker name', example: 'eu-west-1a' })
  @IsResourceName()
  name: string;

  @ApiProperty({ description: 'Address that game clients connect to (IP or DNS name)', example: '203.0.113.10' })
  @IsName(1, 255)
  host: string;

  @ApiPropertyOptional({ description: 'Region used by placement filters', example: 'eu-west' })
  @IsOptional()
  @IsName(1, 64)
  region?: string;

  @ApiProperty({ description: 'Maximum concurrent instances', minimum: 1, maximum: 10000, example: 10 })
  @IsInt()
  @Min(1)
  @Max(10000)
  capacity: number;

  @ApiProperty({ type: PortRangeDto, description: 'Inclusive port range handed to instances' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PortRangeDto)
  ports: PortRangeDto;

  @ApiPropertyOptional({ description: 'Free-form string labels', example: { gpu: 'none' }, type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap(64, 256)
  labels?: Record<string, string>;
}

export class WorkerFilterDto {
  @ApiPropertyOptional({ description: 'Worker id or name' })
  @IsOptional()
  @IsResourceRef()
  id?: string;
}

export class DeleteWorkerDto {
  @ApiProperty({ description: 'Worker id or name', example: 'eu-west-1a' })
  @IsResourceRef()
  id: string;

  @ApiPropertyOptional({ description: 'Stop its live instances first instead of returning 409', default: false })
  @IsOptional()
  @IsQueryBoolean()
  force?: boolean;
}

export class WorkerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'eu-west-1a' }) name: string;
  @ApiProperty({ example: '203.0.113.10' }) host: string;
  @ApiProperty({ type: String, nullable: true, example: 'eu-west' }) region: string | null;
  @ApiProperty({ example: 10 }) capacity: number;
  @ApiProperty({ type: PortRangeDto }) ports: PortRangeDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: {} }) labels: Record<string, string>;
  @ApiProperty({ enum: ['online', 'offline', 'draining'], example: 'online' }) status: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last heartbeat of its agent' }) last_seen_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.1.0' }) agent_version: string | null;
  @ApiProperty({ description: 'Instances in a live state (scheduled, starting, ready, allocated, stopping)', example: 2 }) running_instances: number;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
}

export class CreatedWorkerDto extends WorkerDto {
  @ApiProperty({ description: 'Agent token, shown only once; only its SHA-256 hash is stored', example: 'wkr_3q2m…' })
  token: string;
}

export class WorkerListDto {
  @ApiProperty({ type: [WorkerDto] }) workers: WorkerDto[];
}

export class UpdateWorkerDto {
  @ApiProperty({ description: 'Worker id or name', example: 'eu-west-1a' })
  @IsResourceRef()
  id: string;

  @ApiProperty({ description: 'true: place no new instances on it while its running ones finish; false: accept instances again' })
  @IsQueryBoolean()
  draining: boolean;
}
